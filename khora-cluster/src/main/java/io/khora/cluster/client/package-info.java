/**
 * The cluster client behind {@link io.khora.Spaces#connect}: one connection per node
 * ({@link io.khora.cluster.client.NodeConnection}), routing by partition to the leader with safe
 * retries ({@link io.khora.cluster.client.ClusterClient}), and the {@link io.khora.Space} API on
 * top ({@link io.khora.cluster.client.RemoteSpace}). Clients never join the JGroups cluster.
 */
package io.khora.cluster.client;
