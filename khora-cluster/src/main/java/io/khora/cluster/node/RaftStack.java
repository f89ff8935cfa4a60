package io.khora.cluster.node;

import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.protocols.raft.REDIRECT;
import org.jgroups.stack.Protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the JGroups channel of one partition replica, programmatically (no XML, no system
 * properties): TCP with {@code tcp_nodelay} (JGroups' default, off, costs ~30 ms per round trip
 * under Nagle), static discovery of the configured members (TCPPING), merge of split views
 * (MERGE3), socket and heartbeat failure detection (FD_SOCK2, FD_ALL3, VERIFY_SUSPECT2), reliable
 * delivery (NAKACK2, UNICAST3, STABLE), membership (GMS) with jgroups-raft's NO_DUPES
 * ({@link RejoiningNoDupes}), flow control, fragmentation, and on top Raft:
 * <ul>
 * <li>ELECTION as {@link MergeElection}, which also votes after a merge, and waits longer for votes
 * after each round that collected no majority;
 * <li>RAFT as {@link CatchUpRaft}, which catches lagging followers up under load, with a file-based
 * log under the data directory ({@link SnapshotSafeFileLog});
 * <li>REDIRECT (forwards requests to the leader; used for membership changes later);
 * <li>{@link LeadershipProbe}, which confirms the leadership before a read is answered.
 * </ul>
 *
 * <p>Every protocol that opens a socket is bound to the replica's configured host; the diagnostics
 * handler (a multicast socket by default) is disabled.
 *
 * <p><b>TLS</b> ({@link ReplicaConfig#tls()}): the TCP transport uses JGroups' TLS socket factory,
 * TLS 1.3 with client authentication required, over the node's context ({@link TlsTransport}), so a
 * process without a certificate the context trusts (the cluster CA's, for a node) can neither
 * connect to this channel nor be connected to. FD_SOCK2 is left out then: it listens on a socket
 * of its own through NIO, which JGroups 5.4 cannot wrap in TLS, so it would be an unauthenticated
 * plain-text port (one that allocates whatever message length a peer announces). A crashed peer is
 * then detected by FD_ALL3's heartbeats (within the failure-detection timeout, where FD_SOCK2 saw a
 * closed socket at once); a closed connection is not a suspicion (see {@link TlsTransport}).
 */
public final class RaftStack {
    private RaftStack() {
    }

    /** A new, unconnected channel for {@code cfg}. */
    public static JChannel create(ReplicaConfig cfg) throws Exception {
        return build(cfg, true);
    }

    /**
     * A new, unconnected channel with the same transport, discovery and failure detection but no
     * Raft on top: a node's membership channel (which nodes are up), one per node. Connect it to
     * {@link #MEMBERSHIP_CLUSTER}.
     */
    public static JChannel createMembership(ReplicaConfig cfg) throws Exception {
        return build(cfg, false);
    }

    /** The JGroups cluster name of the nodes' membership channel. */
    public static final String MEMBERSHIP_CLUSTER = "khora.members";

    private static JChannel build(ReplicaConfig cfg, boolean withRaft) throws Exception {
        JGroupsLogging.install();
        InetSocketAddress self = cfg.address();
        InetAddress host = self.getAddress();
        if (host == null) {
            throw new IllegalArgumentException("address of " + cfg.raftId() + " is unresolved: " + self);
        }
        try {
            if (withRaft) {
                Files.createDirectories(cfg.logDirectory());
            }
        } catch (IOException e) {
            throw new IOException("cannot create the Raft log directory " + cfg.logDirectory() + ": " + e.getMessage(), e);
        }

        TCP tcp = new TCP();
        tcp.setBindAddress(host);
        tcp.setBindPort(self.getPort());
        tcp.setPortRange(0);
        tcp.setClientBindAddr(host);
        tcp.tcpNodelay(true);
        boolean tls = cfg.tls().isPresent();
        if (tls) {
            TlsTransport.secure(tcp, cfg.tls().get());
        }

        List<InetSocketAddress> hosts = new ArrayList<>(cfg.members().values());
        TCPPING ping = new TCPPING();
        ping.initialHosts(hosts);
        ping.portRange(0);
        if (tls) {
            // JGroups settles two nodes connecting to each other at once by closing one connection, and a TLS handshake
            // widens that window: a discovery request lost with it left nodes started together in separate views
            // (merged seconds later); two more requests within the join timeout make up for one lost
            ping.setValue("num_discovery_runs", 3);
        }

        FD_SOCK2 fdSock = new FD_SOCK2();
        fdSock.setBindAddress(host);
        fdSock.setOffset(cfg.fdPortOffset());
        fdSock.setPortRange(cfg.fdPortRange());

        FD_ALL3 fdAll = new FD_ALL3();
        fdAll.setTimeout(cfg.failureDetectionTimeout().toMillis());
        fdAll.setInterval(cfg.heartbeatInterval().toMillis());

        VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2();
        verify.setTimeout(cfg.verifySuspectTimeout().toMillis());

        MERGE3 merge = new MERGE3();
        merge.setMinInterval(cfg.mergeMinInterval().toMillis());
        merge.setMaxInterval(cfg.mergeMaxInterval().toMillis());

        GMS gms = new GMS();
        gms.setJoinTimeout(cfg.joinTimeout().toMillis());
        gms.printLocalAddress(false);

        List<Protocol> stack = new ArrayList<>(List.of(tcp, ping, merge));
        if (!tls) {
            stack.add(fdSock);
        }
        stack.addAll(List.of(
                fdAll,
                verify,
                new NAKACK2().useMcastXmit(false),
                new UNICAST3(),
                new STABLE(),
                new RejoiningNoDupes(),
                gms,
                new UFC(),
                new MFC(),
                new FRAG4()));
        if (withRaft) {
            stack.add(new MergeElection().maxVoteTimeoutMillis(cfg.failureDetectionTimeout().toMillis()));
            stack.add(raft(cfg));
            stack.add(new REDIRECT());
            stack.add(new LeadershipProbe().timeoutMillis(cfg.failureDetectionTimeout().toMillis()));
        }
        JChannel ch = new JChannel(stack); // initialises the protocols
        tcp.getDiagnosticsHandler().setEnabled(false); // created by init; would open a multicast socket on start
        ch.setName(cfg.raftId());
        ch.setDiscardOwnMessages(false);
        return ch;
    }

    private static RAFT raft(ReplicaConfig cfg) {
        RAFT raft = new CatchUpRaft();
        raft.raftId(cfg.raftId());
        raft.members(new ArrayList<>(cfg.members().keySet()));
        raft.logClass(SnapshotSafeFileLog.class.getName());
        raft.logDir(cfg.logDirectory().toString());
        raft.logPrefix(cfg.raftId());
        raft.logUseFsync(cfg.fsync());
        raft.maxLogSize(cfg.snapshotThresholdBytes());
        raft.resendInterval(cfg.resendInterval().toMillis());
        return raft;
    }
}
