package io.khora.hibernate;

import io.khora.ClusterInfo;

/**
 * The automatic augmentation of the initial-load query of a partitioned space (seed 001): an HQL
 * predicate that makes the database return exactly the rows the router sends to this partition.
 *
 * <p>The router ({@link io.khora.persistence.Partitioning}) places an integral routing value
 * {@code r} in partition {@code Math.floorMod(r, N)}, which is never negative. SQL's
 * {@code MOD(r, N)} truncates like Java's {@code %}: for a negative {@code r} it is negative (e.g.
 * {@code MOD(-7, 4) = -3} where {@code floorMod(-7, 4) = 1}), so filtering on
 * {@code MOD(r, N) = k} would silently lose every negative row (LESSONS: XAP's trap). The filter
 * is therefore
 *
 * <pre>{@code mod(mod(r, N) + N, N) = k}</pre>
 *
 * <p>Why it equals floorMod: {@code m = MOD(r, N)} satisfies {@code m ≡ r (mod N)} and
 * {@code -N < m < N}, so {@code m + N} lies in {@code (0, 2N)} and is positive; {@code MOD} of a
 * non-negative number is its mathematical remainder, and {@code m + N ≡ r (mod N)}, so the outer
 * {@code MOD} is the unique value in {@code [0, N)} congruent to {@code r}: {@code floorMod(r, N)}.
 * {@code m + N} cannot overflow the column type since {@code |m| < N}. HQL's {@code mod} is
 * rendered as {@code mod()} on H2 and PostgreSQL (and as the dialect's equivalent elsewhere).
 *
 * <p>Rows whose routing value is null are <em>also</em> selected ({@code r is null or …}), in every
 * partition, so the load reports them as an error instead of silently leaving them out.
 *
 * <p>Only for integral routing (Byte, Short, Integer, Long, BigInteger) mapped to a column: for
 * other types the router uses {@code hashCode()}, which SQL cannot compute, so nothing is pushed
 * down and the space discards the rows it does not own.
 */
final class PartitionFilter {
    private PartitionFilter() {
    }

    /**
     * Whether the load of {@code entity} for {@code partition} is augmented: enabled, more than one
     * partition, a real partition ({@code instanceId > 0}), and routing integral and mapped.
     */
    static boolean applies(MappedEntity entity, ClusterInfo partition, boolean augmentEnabled) {
        return augmentEnabled && partition != null && partition.numberOfInstances() > 1 && partition.instanceId() > 0
                && entity.routingIsSqlPartitionable();
    }

    /**
     * The HQL predicate over {@code path} (e.g. {@code e.customerId}) selecting the rows of
     * {@code partition} and the rows with a null routing value.
     */
    static String predicate(String path, ClusterInfo partition) {
        int n = partition.numberOfInstances();
        int k = partition.instanceId() - 1;
        return "(" + path + " is null or mod(mod(" + path + ", " + n + ") + " + n + ", " + n + ") = " + k + ")";
    }
}
