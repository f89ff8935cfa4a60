package io.khora.jcache;

import static io.khora.jcache.ExpiryLeases.isZero;
import static io.khora.jcache.ExpiryLeases.lease;

import io.khora.jcache.SpaceFailures.ProcessorFailure;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.cache.expiry.Duration;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;

/**
 * JCache entry processors: each run is one {@link AtomicStep}, so the processor sees and changes
 * its entry atomically. The processor works on a {@link ProcessorEntry}, which records what it did;
 * the net effect is then applied as JSR-107 defines it: CREATE and UPDATE are written through and
 * get the creation/update expiry, LOAD is stored without writing through, REMOVE is written through
 * as a delete (of an absent entry too: the store may hold it), ACCESS applies the access expiry.
 */
final class EntryProcessorRuns<K, V> {
    private final CacheParts<K, V> parts;
    private final AtomicStep<K, V> step;

    EntryProcessorRuns(CacheParts<K, V> parts, AtomicStep<K, V> step) {
        this.parts = parts;
        this.step = step;
    }

    <T> T invoke(K key, EntryProcessor<K, V, T> processor, Object... arguments) {
        parts.checkKey(key);
        Objects.requireNonNull(processor, "entry processor must not be null");
        return step.run(key, s -> process(s, processor, arguments));
    }

    /** Runs the processor on each key; a key's failure is its result, the other keys still run. */
    <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys, EntryProcessor<K, V, T> processor,
                                                 Object... arguments) {
        Objects.requireNonNull(keys, "keys must not be null");
        Objects.requireNonNull(processor, "entry processor must not be null");
        for (K k : keys) {
            parts.checkKey(k);
        }
        Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (K key : keys) {
            try {
                T r = step.run(key, s -> process(s, processor, arguments));
                if (r != null) {
                    results.put(key, () -> r);
                }
            } catch (Exception e) {
                EntryProcessorException epe = e instanceof EntryProcessorException x ? x : new EntryProcessorException(e);
                results.put(key, () -> {
                    throw epe;
                });
            }
        }
        return results;
    }

    private <T> T process(Slot<K, V> s, EntryProcessor<K, V, T> processor, Object[] arguments) {
        ProcessorEntry<K, V> pe = new ProcessorEntry<>(parts, s.key, s.exists(), s::value);
        T result;
        try {
            result = processor.process(pe, arguments);
        } catch (Exception e) {
            throw new ProcessorFailure(e);
        }
        s.hitOrMiss();
        switch (pe.op()) {
            case NONE -> {
            }
            case ACCESS -> s.accessed();
            case CREATE -> s.create(pe.value(), parts.codec.encode(pe.value()));
            case LOAD -> s.loaded(pe.value(), parts.codec.encode(pe.value()), false);
            case UPDATE -> s.put(pe.value(), parts.codec.encode(pe.value()));
            case REMOVE -> s.remove();
        }
        return result;
    }
}
