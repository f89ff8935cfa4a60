package io.khora.bench.local;

import io.khora.bench.model.PlainTrade;
import io.khora.bench.peer.Contestant;

import java.util.List;

/** The by-id operations of one contestant over {@link PlainTrade}s. */
public interface ByIdStore extends AutoCloseable {

    /** The entry with {@code id} (a copy where the contestant copies), or null. */
    Object read(Long id);

    /** Writes {@code t}, inserting or replacing by id. */
    void write(PlainTrade t);

    /** Removes and returns the entry with {@code id}, or null. */
    Object take(Long id);

    /** Writes every trade as fast as the contestant allows (set-up only, never measured). */
    void load(List<PlainTrade> trades);

    /** Number of entries. */
    int size();

    /** Releases the contestant. */
    @Override
    void close();

    /** The store of {@code contestant}, empty. */
    static ByIdStore open(Contestant contestant) {
        return switch (contestant) {
            case KHORA -> new KhoraByIdStore();
            case CHM -> new ChmByIdStore();
            case HZ_BINARY, HZ_OBJECT -> new HazelcastByIdStore(contestant.format());
            default -> throw new IllegalArgumentException(contestant + " has no by-id store");
        };
    }
}
