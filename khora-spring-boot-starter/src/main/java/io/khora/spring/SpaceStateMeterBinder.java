package io.khora.spring;

import io.khora.Space;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The gauge {@code khora.space.state} (tag {@code space}): the space's {@link io.khora.SpaceState#code()}
 * (INITIAL=0, LOADING=1, READY=2, SUSPENDED=3, RECOVER=4, INVALID=100), read when scraped.
 */
public class SpaceStateMeterBinder implements MeterBinder {
    private final Space space;

    /** The state gauge of {@code space}. */
    public SpaceStateMeterBinder(Space space) {
        this.space = space;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("khora.space.state", space, s -> s.state().code())
                .description("the space's state code: 0 INITIAL, 1 LOADING, 2 READY, 3 SUSPENDED, 4 RECOVER, 100 INVALID")
                .tag("space", space.name()).register(registry);
    }
}
