package io.khora.cluster.protocol;

import io.khora.ChangeSet;
import io.khora.cluster.ByteSizes;
import io.khora.SizeLimitExceededException;
import io.khora.cluster.raft.Command;
import io.khora.cluster.raft.CommandCodec;
import io.khora.internal.wire.WireOutput;

/**
 * The size limits of one side of a connection, and their checks: no frame larger than
 * {@code maxFrameBytes} ({@code max-frame-size}), no entry whose encoded values are larger than
 * {@code maxEntryBytes} ({@code max-entry-size}). A client checks its requests before sending them,
 * a node checks what it receives (a client may skip its own check): either way the operation fails
 * at once with a {@link SizeLimitExceededException} that names the size and the limit, and nothing
 * is applied. An entry must fit a frame with room to spare, so any single entry can always be
 * answered, and a take can always take at least one.
 *
 * @param maxFrameBytes the largest frame content accepted or sent, in bytes (default 64 MiB)
 * @param maxEntryBytes the largest encoded values of one entry, in bytes (default 16 MiB)
 */
public record SizeLimits(int maxFrameBytes, int maxEntryBytes) {
    /** The default frame limit: 64 MiB. */
    public static final int DEFAULT_MAX_FRAME = 64 * 1024 * 1024;
    /** The default entry limit: 16 MiB. */
    public static final int DEFAULT_MAX_ENTRY = 16 * 1024 * 1024;
    /** The smallest frame limit: 128 KiB (room for entries of up to 64 KiB). */
    public static final int MIN_FRAME = 128 * 1024;
    /** The largest frame limit: 1 GiB. */
    public static final int MAX_FRAME = 1024 * 1024 * 1024;
    /** What a frame must leave beside its largest entry (header, request fields, type name, version, expiry): 64 KiB. */
    public static final int ENTRY_HEADROOM = 64 * 1024;
    /** What an answer's frame needs beside its entries (header, status, counts, flags). */
    static final int ANSWER_HEADROOM = 1024;

    /** Checks the limits, naming the setting that is wrong. */
    public SizeLimits {
        if (maxFrameBytes < MIN_FRAME || maxFrameBytes > MAX_FRAME) {
            throw new IllegalArgumentException("max-frame-size must be between " + ByteSizes.describe(MIN_FRAME) + " and "
                    + ByteSizes.describe(MAX_FRAME) + ", got " + ByteSizes.describe(maxFrameBytes));
        }
        if (maxEntryBytes < 1) {
            throw new IllegalArgumentException("max-entry-size must be positive, got " + maxEntryBytes);
        }
        if (maxEntryBytes > maxFrameBytes - ENTRY_HEADROOM) {
            throw new IllegalArgumentException("max-entry-size " + ByteSizes.describe(maxEntryBytes) + " does not fit max-frame-size "
                    + ByteSizes.describe(maxFrameBytes) + ": an entry may be at most the frame size minus 64 KiB, here "
                    + ByteSizes.describe(maxFrameBytes - ENTRY_HEADROOM) + " (lower max-entry-size or raise max-frame-size)");
        }
    }

    /** 64 MiB frames, 16 MiB entries. */
    public static SizeLimits defaults() {
        return new SizeLimits(DEFAULT_MAX_FRAME, DEFAULT_MAX_ENTRY);
    }

    /**
     * The frame limit towards a peer that announced {@code peerMaxFrame} (0: announced nothing, so
     * the default): the smaller of the two, and at least {@link #MIN_FRAME}.
     */
    public int frameTowards(int peerMaxFrame) {
        int peer = peerMaxFrame <= 0 ? DEFAULT_MAX_FRAME : Math.max(MIN_FRAME, peerMaxFrame);
        return Math.min(maxFrameBytes, peer);
    }

    /** The byte budget of a take whose answer must fit one frame of {@code frameBytes} (see {@link Command.TakeQuery}). */
    public static long takeBudget(int frameBytes) {
        return frameBytes - ANSWER_HEADROOM;
    }

    /**
     * Checks a request about to be sent ({@code who} "this client's") or just received ("node n1's"),
     * encoded in {@code frameLength} bytes: the frame must fit, and so must every entry it writes.
     * The entries are measured only when the frame is larger than the entry limit (an entry is never
     * larger than the frame that carries it), so small requests cost nothing.
     *
     * @throws SizeLimitExceededException naming the size and the limit
     */
    public void checkRequest(Request r, int frameLength, String who) {
        if (frameLength > maxFrameBytes) {
            throw new SizeLimitExceededException(kind(r) + " request of " + ByteSizes.describe(frameLength) + " exceeds " + who
                    + " max-frame-size of " + ByteSizes.describe(maxFrameBytes) + "; it was not applied", frameLength, maxFrameBytes);
        }
        if (frameLength > maxEntryBytes && r instanceof Request.Mutate m) {
            checkCommand(m.command(), who);
        }
    }

    private void checkCommand(Command c, String who) {
        if (c instanceof Command.Write w) {
            checkEntry(w.typeName(), w.values(), who);
        } else if (c instanceof Command.TxPrepare tp) {
            for (Command op : tp.ops()) {
                checkCommand(op, who);
            }
        } else if (c instanceof Command.Change ch) {
            int size = changeSize(ch.changes());
            if (size > maxEntryBytes) {
                throw new SizeLimitExceededException("a change of entries of type " + ch.typeName() + " carries "
                        + ByteSizes.describe(size) + " of values, over " + who + " max-entry-size of " + ByteSizes.describe(maxEntryBytes)
                        + ": the changed entries would exceed it; it was not applied", size, maxEntryBytes);
            }
        }
    }

    /**
     * Checks one entry's encoded values against the entry limit.
     *
     * @throws SizeLimitExceededException naming the entry's type, its size and the limit
     */
    public void checkEntry(String typeName, Object[] values, String who) {
        WireOutput out = new WireOutput(1024);
        out.writeValue(values);
        int size = out.size();
        if (size > maxEntryBytes) {
            throw new SizeLimitExceededException("an entry of type " + typeName + " is " + ByteSizes.describe(size) + " encoded, over "
                    + who + " max-entry-size of " + ByteSizes.describe(maxEntryBytes) + "; it was not written", size, maxEntryBytes);
        }
    }

    private static int changeSize(ChangeSet changes) {
        WireOutput out = new WireOutput(1024);
        CommandCodec.writeChanges(out, changes);
        return out.size();
    }

    private static String kind(Request r) {
        String name = r instanceof Request.Mutate m ? m.command().getClass().getSimpleName() : r.getClass().getSimpleName();
        return "a " + name.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT); // TxPrepare: "a tx prepare"
    }
}
