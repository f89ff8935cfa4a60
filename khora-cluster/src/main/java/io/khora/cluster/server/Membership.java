package io.khora.cluster.server;

import io.khora.cluster.node.RaftStack;

import org.jgroups.JChannel;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Which nodes are up, as JGroups sees it: one channel per node over all nodes (no Raft), whose view
 * drives min-seeders and the member list of {@code khora status}.
 */
final class Membership implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    private final JChannel channel;
    private volatile List<String> members = List.of();
    private final Runnable onChange;

    private Membership(JChannel channel, Runnable onChange) {
        this.channel = channel;
        this.onChange = onChange;
    }

    /** Joins the membership channel of {@code cfg}'s cluster; {@code onChange} runs after every view change. */
    static Membership join(NodeConfig cfg, Runnable onChange) throws Exception {
        JChannel ch = RaftStack.createMembership(cfg.membershipConfig());
        Membership m = new Membership(ch, onChange);
        ch.setReceiver(new Receiver() {
            @Override
            public void viewAccepted(View view) {
                m.members = view.getMembers().stream().map(String::valueOf).sorted().toList();
                LOG.info("node {}: members {}", cfg.nodeId(), m.members);
                m.onChange.run();
            }
        });
        ch.connect(RaftStack.MEMBERSHIP_CLUSTER);
        return m;
    }

    /** The ids of the nodes in the current view. */
    List<String> members() {
        return members;
    }

    @Override
    public void close() {
        channel.close();
    }
}
