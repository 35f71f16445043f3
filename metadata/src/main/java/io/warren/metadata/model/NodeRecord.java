package io.warren.metadata.model;

/** A cluster member: its name ({@code name@host}) and the host:port of its Raft (and link) traffic. */
public record NodeRecord(String name, String raftAddress) { }
