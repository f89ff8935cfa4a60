package io.khora.cluster.raft;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * What a {@link Command.TakeQuery} took, in order, and whether it stopped at its byte budget with
 * matches left ({@link #more()}): then its caller takes again for the rest. A list, so it travels
 * wherever a take's entries do.
 */
public final class TakenEntries extends AbstractList<StoredEntry> implements RandomAccess {
    private final List<StoredEntry> entries;
    private final boolean more;

    /** {@code entries} (owned from now on) and whether the budget stopped the take with matches left. */
    public TakenEntries(List<StoredEntry> entries, boolean more) {
        this.entries = entries;
        this.more = more;
    }

    /** Whether the take stopped at its byte budget with matches left (so a further take finds more). */
    public boolean more() {
        return more;
    }

    /** Whether {@code taken} (a take's result) says more matches were left behind by its byte budget. */
    public static boolean more(List<StoredEntry> taken) {
        return taken instanceof TakenEntries t && t.more;
    }

    @Override
    public StoredEntry get(int index) {
        return entries.get(index);
    }

    @Override
    public int size() {
        return entries.size();
    }
}
