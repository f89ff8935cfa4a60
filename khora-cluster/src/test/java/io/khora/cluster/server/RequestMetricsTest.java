package io.khora.cluster.server;

import io.khora.cluster.protocol.Request;
import io.khora.cluster.protocol.Status;
import io.khora.cluster.raft.Command;
import io.khora.metrics.MetricsListener;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RequestMetricsTest {
    private final List<String> reported = new ArrayList<>();
    private final RequestMetrics metrics = new RequestMetrics(new MetricsListener() {
        @Override
        public void operation(String space, String operation, String outcome, long nanos) {
            reported.add(space + " " + operation + " " + outcome + " " + nanos);
        }
    });

    @Test
    void aMutationIsNamedByItsCommandAndItsStatusIsTheOutcome() {
        metrics.answered(new Request.Mutate(1, "orders", 0, 1, 0, false, false, new Command.TakeById("Order", 7)), Status.NOT_LEADER, 42);

        assertThat(reported).containsExactly("orders takeById not_leader 42");
    }

    @Test
    void aQueryIsAReadOrATake() {
        metrics.answered(new Request.ReadById(1, "orders", 2, "Order", 7), Status.OK, 5);
        metrics.answered(new Request.Query(2, "orders", 2, "Order", Command.QuerySpec.all(), 10, 0, true, 3, 0, false),
                Status.OK, 6);

        assertThat(reported).containsExactly("orders readById ok 5", "orders take ok 6");
    }

    @Test
    void requestsAboutNoSpaceAreNotReported() {
        metrics.answered(new Request.Status(1), Status.OK, 5);
        metrics.answered(new Request.Unsubscribe(2, 3), Status.OK, 5);

        assertThat(reported).isEmpty();
    }
}
