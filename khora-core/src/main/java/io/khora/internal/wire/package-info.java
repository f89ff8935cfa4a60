/**
 * A compact binary encoding of property values and documents: {@link io.khora.internal.wire.WireOutput}
 * writes (its class comment fixes the byte layout and the tag space), {@link io.khora.internal.wire.WireInput}
 * reads with every length checked, and {@link io.khora.internal.wire.WireFormatException} reports what
 * cannot be encoded or decoded. Internals: {@code Tags} (the tag numbers), {@code Utf8} (allocation-free
 * UTF-8), {@code RecordCodec} (records through method handles), {@code ClassResolver} (class lookup
 * for enums, records, typed arrays), {@code JavaSerialization} (the slow last resort), whose use every
 * {@code WireInput} decides by its {@link io.khora.internal.wire.JavaDeserialization} (trusted, refused, an allow-list).
 */
package io.khora.internal.wire;
