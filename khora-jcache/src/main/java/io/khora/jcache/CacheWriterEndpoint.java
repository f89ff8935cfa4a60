package io.khora.jcache;

import io.khora.persistence.DataSyncOperation;
import io.khora.persistence.DataSyncOperationType;
import io.khora.persistence.OperationsBatchData;
import io.khora.persistence.SpaceSynchronizationEndpoint;

import javax.cache.integration.CacheWriter;

/**
 * Write-through for a write-through cache: the space's {@link SpaceSynchronizationEndpoint}, over the
 * cache's {@link CacheWriter}. The space calls it under the partition lock before it applies a
 * change; a WRITE or UPDATE becomes {@code CacheWriter.write}, a REMOVE {@code CacheWriter.delete}.
 * If the writer throws, the space refuses the change (the cache is left as it was) and the cache
 * rethrows the writer's {@code CacheWriterException}.
 *
 * <p>Changes that are not cache mutations (applying an expiry, storing a loaded value, {@code clear})
 * are marked in the {@link OperationContext} and not written.
 */
final class CacheWriterEndpoint extends SpaceSynchronizationEndpoint {
    private final CacheParts<?, ?> cache;

    CacheWriterEndpoint(CacheParts<?, ?> cache) {
        this.cache = cache;
    }

    @Override
    public void onOperationsBatchSynchronization(OperationsBatchData batch) {
        if (cache.context().skipWriter) {
            return;
        }
        for (DataSyncOperation op : batch.getBatchDataItems()) {
            CacheEntryRecord r = (CacheEntryRecord) op.getDataAsObject();
            if (op.getDataSyncOperationType() == DataSyncOperationType.REMOVE) {
                cache.integration.delete(r.key());
            } else {
                cache.integration.write(r.key(), cache.codec.decode(r.value()));
            }
        }
    }
}
