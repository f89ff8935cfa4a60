package io.khora.spring;

import io.khora.Space;
import io.khora.SpaceState;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The health of the application's space, from its {@link SpaceState}: READY is UP; INITIAL, LOADING
 * and SUSPENDED are OUT_OF_SERVICE (not serving yet, or held by an operator); RECOVER (a partition
 * lost its quorum: data may be missing) and INVALID are DOWN. The details name the space, its
 * state and its partitions.
 */
public class KhoraHealthIndicator extends AbstractHealthIndicator {
    private final Space space;

    /** The health of {@code space}. */
    public KhoraHealthIndicator(Space space) {
        super("Khora health check failed");
        this.space = space;
    }

    /** The actuator status a space state maps to. */
    static Status status(SpaceState state) {
        return switch (state) {
            case READY -> Status.UP;
            case INITIAL, LOADING, SUSPENDED -> Status.OUT_OF_SERVICE;
            case RECOVER, INVALID -> Status.DOWN;
        };
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        SpaceState state = space.state();
        builder.status(status(state)).withDetail("space", space.name()).withDetail("state", state.name())
                .withDetail("partitions", space.clusterInfo().numberOfInstances());
    }
}
