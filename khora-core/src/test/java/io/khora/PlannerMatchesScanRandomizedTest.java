package io.khora;

import io.khora.annotation.SpaceId;
import io.khora.annotation.SpaceIndex;
import io.khora.annotation.SpaceIndexType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same data in an indexed type and an unindexed twin: every random query must answer the same
 * ids through the planner (indexes, ranges, unions) as through a plain scan.
 */
class PlannerMatchesScanRandomizedTest {

    public record Indexed(@SpaceId Integer id,
                          @SpaceIndex(type = SpaceIndexType.ORDERED) Integer a,
                          @SpaceIndex(type = SpaceIndexType.ORDERED) Double b,
                          @SpaceIndex String c,
                          Long d) {
    }

    public record Plain(@SpaceId Integer id, Integer a, Double b, String c, Long d) {
    }

    private static final String[] WORDS = {"alpha", "beta", "gamma", "delta", "al_pha", "a%b", "", "Alpha"};

    @Test
    void indexedAndScannedQueriesAgreeOnRandomData() {
        Random rnd = new Random(20261121L);
        try (Space space = Spaces.embedded("planner").partitions(3).start()) {
            for (int i = 0; i < 600; i++) {
                Integer a = rnd.nextInt(10) == 0 ? null : rnd.nextInt(40) - 20;
                Double b = rnd.nextInt(10) == 0 ? null : Math.round((rnd.nextDouble() * 100 - 50) * 4) / 4.0;
                String c = rnd.nextInt(10) == 0 ? null : WORDS[rnd.nextInt(WORDS.length)];
                Long d = rnd.nextInt(5) == 0 ? null : (long) rnd.nextInt(7);
                space.write(new Indexed(i, a, b, c, d));
                space.write(new Plain(i, a, b, c, d));
            }
            for (int i = 0; i < 200; i += 7) {
                space.takeById(Indexed.class, i);
                space.takeById(Plain.class, i);
            }
            int nonEmpty = 0;
            for (int q = 0; q < 1500; q++) {
                List<Object> args = new ArrayList<>();
                String where = expr(rnd, args, 0);
                Set<Integer> viaPlan = ids(space.readMultiple(Query.of(Indexed.class, where, args.toArray())), Indexed::id);
                Set<Integer> viaScan = ids(space.readMultiple(Query.of(Plain.class, where, args.toArray())), Plain::id);
                assertThat(viaPlan).as("query: %s %s", where, args).isEqualTo(viaScan);
                assertThat(space.count(Query.of(Indexed.class, where, args.toArray()))).as("count: %s", where).isEqualTo(viaScan.size());
                if (!viaScan.isEmpty()) {
                    nonEmpty++;
                }
            }
            assertThat(nonEmpty).as("the generator must produce selective but non-trivial queries").isGreaterThan(300);
        }
    }

    private static <T> Set<Integer> ids(List<T> list, java.util.function.Function<T, Integer> id) {
        return list.stream().map(id).collect(Collectors.toCollection(TreeSet::new));
    }

    private static String expr(Random rnd, List<Object> args, int depth) {
        int k = rnd.nextInt(depth > 2 ? 1 : 6);
        switch (k) {
            case 1:
                return expr(rnd, args, depth + 1) + " AND " + expr(rnd, args, depth + 1);
            case 2:
                return "(" + expr(rnd, args, depth + 1) + " OR " + expr(rnd, args, depth + 1) + ")";
            case 3:
                return "NOT (" + expr(rnd, args, depth + 1) + ")";
            default:
                return atom(rnd, args);
        }
    }

    private static String atom(Random rnd, List<Object> args) {
        String[] ops = {"=", "<>", "<", "<=", ">", ">="};
        switch (rnd.nextInt(11)) {
            case 0:
                return "a " + ops[rnd.nextInt(ops.length)] + " " + (rnd.nextInt(44) - 22);
            case 1:
                args.add(rnd.nextInt(44) - 22L);
                return "a " + ops[rnd.nextInt(ops.length)] + " ?";
            case 2:
                return "b " + ops[rnd.nextInt(ops.length)] + " " + (rnd.nextInt(100) - 50) / 2.0;
            case 3:
                return "a BETWEEN " + (rnd.nextInt(30) - 20) + " AND " + (rnd.nextInt(30) - 5);
            case 4:
                return (rnd.nextBoolean() ? "a" : "id") + (rnd.nextInt(4) == 0 ? " NOT" : "") + " IN (" + (rnd.nextInt(40) - 20) + ", "
                        + (rnd.nextInt(40) - 20) + ", " + (rnd.nextInt(600)) + ")";
            case 5:
                args.add(WORDS[rnd.nextInt(WORDS.length)]);
                return "c " + (rnd.nextBoolean() ? "=" : "<>") + " ?";
            case 6:
                String[] pats = {"a%", "%a", "%l%", "_eta", "al\\_pha", "%", "", "a%b", "A%"};
                return "c " + (rnd.nextInt(4) == 0 ? "NOT " : "") + "LIKE '" + pats[rnd.nextInt(pats.length)] + "'";
            case 7:
                String p = new String[] {"a", "b", "c", "d"}[rnd.nextInt(4)];
                return p + " IS " + (rnd.nextBoolean() ? "NOT " : "") + "NULL";
            case 8:
                return "d " + ops[rnd.nextInt(ops.length)] + " " + rnd.nextInt(8);
            case 9:
                return "id " + ops[rnd.nextInt(ops.length)] + " " + rnd.nextInt(600);
            default:
                return "b BETWEEN " + (rnd.nextInt(60) - 40) + " AND " + (rnd.nextInt(60) - 10) + ".5";
        }
    }
}
