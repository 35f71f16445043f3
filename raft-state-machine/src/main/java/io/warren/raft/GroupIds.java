package io.warren.raft;

import org.apache.ratis.protocol.RaftGroupId;

import java.util.UUID;

/** Raft group ids: one fixed id for the metadata group, one derived from each queue group's name. */
public final class GroupIds {
    private static final long WARREN = 0x5741_5252_454e_0000L; // "WARREN"
    public static final RaftGroupId METADATA = RaftGroupId.valueOf(new UUID(WARREN | 0x4d44, 0));

    private GroupIds() { }

    /** Queue group names are {@code q<n>}. */
    public static RaftGroupId forQueueGroup(String name) {
        if (!name.startsWith("q")) throw new IllegalArgumentException("bad queue group name " + name);
        return RaftGroupId.valueOf(new UUID(WARREN | 0x5147, Long.parseLong(name.substring(1))));
    }

    public static boolean isMetadata(RaftGroupId id) { return METADATA.equals(id); }

    /** A node's Raft peer id: its name with anything but letters, digits, '_', '.', '-' made '_'. */
    public static String peerId(String nodeName) { return nodeName.replaceAll("[^A-Za-z0-9_.-]", "_"); }
}
