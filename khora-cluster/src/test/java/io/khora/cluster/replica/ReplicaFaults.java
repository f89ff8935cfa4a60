package io.khora.cluster.replica;

import org.jgroups.JChannel;
import org.jgroups.protocols.DISCARD;
import org.jgroups.protocols.TP;
import org.jgroups.stack.ProtocolStack;

/** Network faults for a running replica's group channel, for tests in any package. */
public final class ReplicaFaults {
    private ReplicaFaults() {
    }

    /**
     * Cuts {@code r} off its group (every message in and out of its channel dropped) without closing
     * it; the membership channel of its node is untouched. Only this channel instance is affected: a
     * replica started again gets a channel of its own.
     */
    public static void cutOff(ReplicatedPartition r) throws Exception {
        JChannel ch = r.channel();
        ProtocolStack stack = ch.getProtocolStack();
        DISCARD d = stack.findProtocol(DISCARD.class);
        if (d == null) {
            d = new DISCARD();
            d.setAddress(ch.getAddress());
            stack.insertProtocol(d, ProtocolStack.Position.ABOVE, TP.class);
        }
        d.discardAll(true);
    }

    /** Lets an isolated replica's messages through again. */
    public static void heal(ReplicatedPartition r) {
        DISCARD d = r.channel().getProtocolStack().findProtocol(DISCARD.class);
        if (d != null) {
            d.discardAll(false);
        }
    }
}
