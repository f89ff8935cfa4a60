package io.khora.cassandra;

import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import com.datastax.oss.driver.api.core.metadata.token.TokenRange;
import io.khora.persistence.ConcurrentMultiDataIterator;
import io.khora.persistence.DataIterator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A full scan of one table split by token range: the ring's ranges (each wrapping range unwrapped)
 * split into {@code splitsPerRange} sub-ranges, each read by its own paged
 * {@code SELECT … WHERE token(pk) > ? AND token(pk) <= ?}, drained by {@code threads} threads
 * through a {@link ConcurrentMultiDataIterator} (bounded queue, back-pressure). Every row of the
 * table is read exactly once.
 */
final class TokenRangeScan {
    private TokenRangeScan() {
    }

    /** The token sub-ranges covering the whole ring. */
    static List<TokenRange> ranges(CqlStatements<?> statements, int splitsPerRange) {
        TokenMap tokens = statements.session().getMetadata().getTokenMap().orElseThrow(() -> new IllegalStateException(
                "the Cassandra driver has no token map (token metadata disabled?): cannot split a scan of "
                        + statements.mapping().qualifiedTable() + " by token range"));
        List<TokenRange> out = new ArrayList<>();
        for (TokenRange range : tokens.getTokenRanges()) {
            for (TokenRange unwrapped : range.unwrap()) {
                out.addAll(splitsPerRange > 1 ? unwrapped.splitEvenly(splitsPerRange) : List.of(unwrapped));
            }
        }
        return out;
    }

    /**
     * Every entry of the table that {@code keep} accepts, read over the token ranges by
     * {@code threads} threads.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static DataIterator<Object> scan(CqlStatements<?> statements, int splitsPerRange, int threads, int queueCapacity,
                                     Function<Object, Boolean> keep, AtomicLong rowsRead) {
        List<TokenRange> ranges = ranges(statements, splitsPerRange);
        DataIterator<Object>[] parts = new DataIterator[ranges.size()];
        for (int i = 0; i < parts.length; i++) {
            TokenRange r = ranges.get(i);
            BoundStatement bound = statements.selectTokenRange().bind().setToken(0, r.getStart()).setToken(1, r.getEnd());
            parts[i] = new RowIterator(statements, bound, keep, rowsRead);
        }
        return new ConcurrentMultiDataIterator<>(parts, threads, queueCapacity);
    }
}
