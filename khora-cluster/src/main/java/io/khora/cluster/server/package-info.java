/**
 * A server node: the partition replicas it hosts (placed by {@link io.khora.cluster.server.Placement}),
 * its membership channel, and the client endpoint ({@link io.khora.cluster.server.NodeServer}) that
 * routes each request to the local replica of its partition. Entry point: {@link io.khora.cluster.server.KhoraNode}.
 */
package io.khora.cluster.server;
