package io.khora.hibernate.writebehind;

import io.khora.Space;
import io.khora.Spaces;
import io.khora.EmbeddedSpaceBuilder;
import io.khora.hibernate.DefaultHibernateSpaceDataSource;
import io.khora.persistence.SpaceSynchronizationEndpoint;
import io.khora.persistence.WriteBehindSettings;
import org.hibernate.SessionFactory;

/** Starts the write-behind spaces of these tests. */
final class WbSpaces {
    private WbSpaces() {
    }

    /**
     * A space {@code name} of {@code partitions} partitions persisting through {@code endpoint} with
     * write-behind {@code settings}; with {@code dataSourceFactory} not null it also loads from (and
     * reads through) {@link DefaultHibernateSpaceDataSource} over it. Returns at once (the space may
     * still be LOADING).
     */
    static Space start(String name, int partitions, SpaceSynchronizationEndpoint endpoint, SessionFactory dataSourceFactory,
                       WriteBehindSettings settings) {
        EmbeddedSpaceBuilder b = Spaces.embedded(name).partitions(partitions).synchronizationEndpoint(endpoint).writeBehind(settings);
        if (dataSourceFactory != null) {
            b.dataSource(DefaultHibernateSpaceDataSource.builder(dataSourceFactory).build());
        }
        return b.start();
    }
}
