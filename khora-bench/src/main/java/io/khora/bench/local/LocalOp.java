package io.khora.bench.local;

import io.khora.bench.peer.Contestant;

import java.util.List;

/**
 * A row of the local-operations table: a JMH benchmark method, what it measures, and which
 * contestant is its physical limit.
 *
 * @param method the benchmark method's name
 * @param label what the row measures
 * @param shortLabel the chart's category label
 * @param limit the contestant that stands for the physical limit
 */
record LocalOp(String method, String label, String shortLabel, Contestant limit) {

    /** Every row, in table order. */
    static final List<LocalOp> ALL = List.of(
            new LocalOp("readById", "`readById` of a random present id", "readById", Contestant.CHM),
            new LocalOp("update", "`write` updating a random present id", "update", Contestant.CHM),
            new LocalOp("writeNew", "`write` of a new id (increasing)", "write new", Contestant.CHM),
            new LocalOp("take", "`takeById` of a present id", "take", Contestant.CHM),
            new LocalOp("templateRead", "template `read` on a hash-indexed property (1 match)", "template read", Contestant.JDK_INDEX),
            new LocalOp("rangeRead100", "`readMultiple` of 100 by range on an ordered index", "range 100", Contestant.JDK_INDEX),
            new LocalOp("updateIndexed", "`write` updating a present id, 2 indexes maintained", "update 2 idx", Contestant.JDK_INDEX));

    /** The peers every row compares with. */
    static final List<Contestant> PEERS = List.of(Contestant.HZ_BINARY, Contestant.HZ_OBJECT);
}
