package io.khora.internal.local;

import io.khora.Scheduler;
import io.khora.Ticker;
import io.khora.document.SpaceDocumentType;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The validated settings of an embedded space, as the builder hands them over.
 *
 * @param name space name
 * @param partitions number of partitions (≥ 1)
 * @param spaceWait how long operations wait for READY
 * @param leaseSweepInterval how often expired entries are swept
 * @param ticker time source
 * @param scheduler timer for waits and sweeps
 * @param ownsScheduler whether closing the space closes the scheduler
 * @param eventExecutor runs event and state-listener deliveries
 * @param ownsEventExecutor whether closing the space shuts the executor down
 * @param eventQueueCapacity pending events per subscription before it is terminated
 * @param documentTypes document types to register at start
 */
public record LocalSpaceConfig(String name, int partitions, Duration spaceWait, Duration leaseSweepInterval,
                               Ticker ticker, Scheduler scheduler, boolean ownsScheduler,
                               ExecutorService eventExecutor, boolean ownsEventExecutor, int eventQueueCapacity,
                               List<SpaceDocumentType> documentTypes) {
}
