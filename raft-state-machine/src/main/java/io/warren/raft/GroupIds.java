package io.warren.raft;

import org.apache.ratis.protocol.RaftGroupId;

import java.util.UUID;

/** Raft group ids: one fixed id for the metadata group, one derived from each queue group's name. */
public final class GroupIds {
    private static final long WARREN = 0x5741_5252_454e_0000L; // "WARREN"
    public static final RaftGroupId METADATA = RaftGroupId.valueOf(new UUID(WARREN | 0x4d44, 0));

    private GroupIds() { }

    /** Queue group names are {@code q<n>} (a queue's own group) or {@code s<n>} (a group queues share). */
    public static RaftGroupId forQueueGroup(String name) {
        long kind = switch (name.isEmpty() ? ' ' : name.charAt(0)) {
            case 'q' -> 0x5147; // "QG"
            case 's' -> 0x5347; // "SG"
            default -> throw new IllegalArgumentException("bad queue group name " + name);
        };
        return RaftGroupId.valueOf(new UUID(WARREN | kind, Long.parseLong(name.substring(1))));
    }

    public static boolean isMetadata(RaftGroupId id) { return METADATA.equals(id); }

    /** A node's Raft peer id: its name with anything but letters, digits, '_', '.', '-' made '_'. */
    public static String peerId(String nodeName) { return nodeName.replaceAll("[^A-Za-z0-9_.-]", "_"); }
}
