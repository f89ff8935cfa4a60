package io.khora.cluster.node;

import org.jgroups.Address;
import org.jgroups.View;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.raft.NO_DUPES;

/**
 * jgroups-raft's NO_DUPES (no two members with the same Raft id in a view), except that a member
 * already in the view — the very same address — may ask to join again. That happens when its
 * JOIN_RSP was lost (JGroups settles two members connecting to each other at once by closing one
 * connection, and a message on it is lost; a TLS handshake makes that window wider); GMS answers
 * such a repeated request with the current view, but NO_DUPES 1.1.4 refused it as a duplicate, so
 * the joiner kept retrying until it gave up and founded a view of its own, which took several
 * elections and a merge to repair. A different process with the same Raft id has another address
 * and is still refused.
 */
public final class RejoiningNoDupes extends NO_DUPES {
    @Override
    protected boolean handleGmsHeader(GMS.GmsHeader hdr, Address sender) {
        byte type = hdr.getType();
        if (type == GMS.GmsHeader.JOIN_REQ || type == GMS.GmsHeader.JOIN_REQ_WITH_STATE_TRANSFER) {
            View v = view;
            Address joiner = hdr.getMember();
            if (v != null && joiner != null && v.containsMember(joiner)) {
                return true;
            }
        }
        return super.handleGmsHeader(hdr, sender);
    }
}
