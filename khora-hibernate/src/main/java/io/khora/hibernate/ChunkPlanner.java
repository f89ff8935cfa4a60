package io.khora.hibernate;

import org.hibernate.ScrollMode;
import org.hibernate.ScrollableResults;
import org.hibernate.StatelessSession;
import org.hibernate.query.SelectionQuery;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits one entity's initial load into key ranges on its identifier, so several threads can read
 * a big table in parallel while each row is read exactly once (LESSONS: XAP chunks with
 * OFFSET/LIMIT and no ORDER BY, so rows repeat or vanish between chunks; and it stops chunking as
 * soon as there is a WHERE clause — here the partition filter and custom queries chunk too).
 *
 * <ul>
 *   <li>Integral identifier: one query {@code select min(id), max(id), count(e)} with the load's
 *       WHERE clause; {@code ceil(count / chunkSize)} ranges of equal width over {@code [min, max]}.</li>
 *   <li>Other ordered identifier (strings, UUIDs, dates): one forward-only keyset scan of the ids
 *       alone, {@code select e.id … order by e.id}, taking every {@code chunkSize}-th id as a
 *       boundary — exact chunk sizes, no OFFSET.</li>
 *   <li>Composite identifier, chunking disabled, or at most {@code chunkSize} rows: one chunk.</li>
 * </ul>
 * The first range is unbounded below and the last unbounded above, so rows inserted outside
 * {@code [min, max]} during planning are still read (once). Ranges are half-open and disjoint.
 */
final class ChunkPlanner {
    /**
     * One key range of the identifier; a null bound is unbounded.
     *
     * @param lower lower bound or null
     * @param lowerInclusive whether {@code lower} is in the range
     * @param upper upper bound or null
     * @param upperInclusive whether {@code upper} is in the range
     */
    record Chunk(Object lower, boolean lowerInclusive, Object upper, boolean upperInclusive) {
        /** The whole table. */
        static final Chunk ALL = new Chunk(null, false, null, false);

        /** Whether the chunk is the whole table (no predicate). */
        boolean isAll() {
            return lower == null && upper == null;
        }

        /** The range predicate over {@code idPath}, numbering parameters from {@code firstParameter}; empty for {@link #ALL}. */
        String predicate(String idPath, int firstParameter) {
            StringBuilder sb = new StringBuilder();
            int p = firstParameter;
            if (lower != null) {
                sb.append(idPath).append(lowerInclusive ? " >= ?" : " > ?").append(p++);
            }
            if (upper != null) {
                if (sb.length() > 0) {
                    sb.append(" and ");
                }
                sb.append(idPath).append(upperInclusive ? " <= ?" : " < ?").append(p);
            }
            return sb.toString();
        }

        /** The bound values, in the order of {@link #predicate}'s parameters. */
        List<Object> parameters() {
            List<Object> out = new ArrayList<>(2);
            if (lower != null) {
                out.add(lower);
            }
            if (upper != null) {
                out.add(upper);
            }
            return out;
        }

        @Override
        public String toString() {
            return (lower == null ? "(-inf" : (lowerInclusive ? "[" : "(") + lower) + ", "
                    + (upper == null ? "+inf)" : upper + (upperInclusive ? "]" : ")"));
        }
    }

    /** The plan: the chunks and the row count seen while planning (-1 when not counted). */
    record Plan(List<Chunk> chunks, long rows) {
    }

    private final int chunkSize;
    private final int fetchSize;

    /**
     * @param chunkSize rows per chunk; {@code <= 0} disables chunking
     * @param fetchSize JDBC fetch size for the id scan
     */
    ChunkPlanner(int chunkSize, int fetchSize) {
        this.chunkSize = chunkSize;
        this.fetchSize = fetchSize;
    }

    /**
     * Plans the chunks of {@code entity} restricted by {@code where} (an HQL predicate over
     * {@link HqlQueryTranslator#ALIAS}, or null for every row).
     */
    Plan plan(StatelessSession session, MappedEntity entity, String where) {
        if (chunkSize <= 0 || !entity.hasSingleId() || !entity.hasOrderedId()) {
            return new Plan(List.of(Chunk.ALL), -1);
        }
        String id = HqlQueryTranslator.ALIAS + "." + entity.idAttribute();
        String from = " from " + entity.hqlName() + " " + HqlQueryTranslator.ALIAS + (where == null ? "" : " where " + where);
        if (entity.hasIntegralId()) {
            Object[] stats = session.createSelectionQuery("select min(" + id + "), max(" + id + "), count(" + id + ")" + from, Object[].class)
                    .getSingleResult();
            long count = ((Number) stats[2]).longValue();
            if (count <= chunkSize || stats[0] == null) {
                return new Plan(List.of(Chunk.ALL), count);
            }
            return new Plan(numericRanges(toBig(stats[0]), toBig(stats[1]), count, entity.idType()), count);
        }
        long count = session.createSelectionQuery("select count(" + id + ")" + from, Long.class).getSingleResult();
        if (count <= chunkSize) {
            return new Plan(List.of(Chunk.ALL), count);
        }
        return new Plan(keysetRanges(session, id, from), count);
    }

    private List<Chunk> numericRanges(BigInteger min, BigInteger max, long count, Class<?> idType) {
        long chunks = (count + chunkSize - 1) / chunkSize;
        BigInteger span = max.subtract(min).add(BigInteger.ONE);
        if (span.compareTo(BigInteger.valueOf(chunks)) < 0) {
            chunks = span.longValueExact();
        }
        BigInteger width = span.divide(BigInteger.valueOf(chunks));
        List<Chunk> out = new ArrayList<>();
        Object lower = null;
        for (long i = 1; i < chunks; i++) {
            Object upper = fromBig(min.add(width.multiply(BigInteger.valueOf(i))), idType);
            out.add(new Chunk(lower, true, upper, false));
            lower = upper;
        }
        out.add(new Chunk(lower, true, null, false));
        return out;
    }

    private List<Chunk> keysetRanges(StatelessSession session, String id, String from) {
        List<Chunk> out = new ArrayList<>();
        SelectionQuery<Object> q = session.createSelectionQuery("select " + id + from + " order by " + id, Object.class);
        q.setFetchSize(fetchSize);
        Object lower = null;
        long seen = 0;
        Object last = null;
        session.getTransaction().begin(); // PostgreSQL streams with a cursor only outside autocommit
        try (ScrollableResults<Object> ids = q.scroll(ScrollMode.FORWARD_ONLY)) {
            while (ids.next()) {
                last = ids.get();
                if (++seen % chunkSize == 0) {
                    out.add(new Chunk(lower, false, last, true));
                    lower = last;
                }
            }
        } finally {
            session.getTransaction().rollback();
        }
        if (lower == null || !lower.equals(last)) {
            out.add(new Chunk(lower, false, null, false));
        } else {
            // the scan ended exactly on a boundary: open the last chunk upwards for rows added since
            Chunk tail = out.remove(out.size() - 1);
            out.add(new Chunk(tail.lower(), false, null, false));
        }
        return out;
    }

    private static BigInteger toBig(Object n) {
        return n instanceof BigInteger b ? b : BigInteger.valueOf(((Number) n).longValue());
    }

    private static Object fromBig(BigInteger v, Class<?> idType) {
        if (idType == Long.class) {
            return v.longValueExact();
        }
        if (idType == Integer.class) {
            return v.intValueExact();
        }
        if (idType == Short.class) {
            return v.shortValueExact();
        }
        if (idType == Byte.class) {
            return v.byteValueExact();
        }
        return v;
    }
}
