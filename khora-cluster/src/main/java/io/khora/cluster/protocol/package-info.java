/**
 * The client protocol: compact binary frames over TCP between clients and server nodes.
 *
 * <p>A frame is a 4-byte big-endian length followed by a message encoded with the core wire format
 * ({@code WireOutput}). Requests are immutable records ({@link io.khora.cluster.protocol.Request});
 * a response echoes the request id, carries a {@link io.khora.cluster.protocol.Status} and a body
 * that the caller reads knowing what it asked. Mutations travel as the same encoded
 * {@link io.khora.cluster.raft.Command} the Raft log stores, so the client and the log share one
 * format. Nothing here knows about sockets: {@link io.khora.cluster.protocol.FrameCodec} adapts
 * the codec to Netty's pipeline.
 */
package io.khora.cluster.protocol;
