package io.khora.internal.engine;

import io.khora.Lease;
import io.khora.internal.metadata.TypeDescriptor;

/**
 * What a {@link PartitionEngine#compute} function decided for the entry: keep it, put new values
 * (with a new lease, or the current one when null), or remove it — plus the result for the caller.
 *
 * @param kind what to do
 * @param type the new values' type (PUT)
 * @param values the new values, owned by the engine from now on (PUT)
 * @param lease the new lease, or null to keep the current one (FOREVER for a new entry)
 * @param result what the caller gets back
 */
public record ComputeDecision(Kind kind, TypeDescriptor type, Object[] values, Lease lease, Object result) {
    /** The possible decisions. */
    public enum Kind { KEEP, PUT, REMOVE }
}
