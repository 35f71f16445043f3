package io.warren.ops.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;

import java.io.IOException;

/** A multipart/form-data body's {@code file} part, read with Netty's form decoder (in memory: definitions are JSON). */
final class Multipart {
    private Multipart() { }

    static byte[] file(String contentType, byte[] body) {
        DefaultHttpHeaders headers = new DefaultHttpHeaders();
        headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        headers.set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        var request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/api/definitions", Unpooled.wrappedBuffer(body),
                headers, new DefaultHttpHeaders());
        HttpPostRequestDecoder decoder;
        try {
            decoder = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), request);
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
            throw ApiException.badRequest("a multipart body that cannot be read: " + e.getMessage());
        }
        try {
            InterfaceHttpData part = decoder.getBodyHttpData("file");
            if (part instanceof FileUpload upload) return upload.get();
            if (part instanceof io.netty.handler.codec.http.multipart.Attribute a) return a.get();
            throw ApiException.badRequest("[{key_missing,file}]: the form has no 'file' part");
        } catch (IOException | HttpPostRequestDecoder.ErrorDataDecoderException e) {
            throw ApiException.badRequest("a multipart body that cannot be read: " + e.getMessage());
        } finally {
            decoder.destroy();
            request.release();
        }
    }
}
