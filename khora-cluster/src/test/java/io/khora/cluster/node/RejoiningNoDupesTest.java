package io.khora.cluster.node;

import org.jgroups.Address;
import org.jgroups.EmptyMessage;
import org.jgroups.Event;
import org.jgroups.Message;
import org.jgroups.View;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.JoinRsp;
import org.jgroups.protocols.raft.RAFT;
import org.jgroups.stack.Protocol;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.Util;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RejoiningNoDupesTest {
    static final short GMS_ID = ClassConfigurator.getProtocolId(GMS.class);

    final List<Message> passedUp = new ArrayList<>();
    final List<Message> sentDown = new ArrayList<>();
    final RejoiningNoDupes noDupes = new RejoiningNoDupes();

    RejoiningNoDupesTest() {
        noDupes.setUpProtocol(new Protocol() {
            @Override
            public Object up(Message msg) {
                passedUp.add(msg);
                return null;
            }
        });
        noDupes.setDownProtocol(new Protocol() {
            @Override
            public Object down(Message msg) {
                sentDown.add(msg);
                return null;
            }

            @Override
            public Object down(Event evt) {
                return null;
            }
        });
    }

    static ExtendedUUID member(String raftId) {
        return ExtendedUUID.randomUUID(raftId).put(RAFT.raft_id_key, Util.stringToBytes(raftId));
    }

    static Message joinRequest(Address coordinator, Address joiner) {
        return new EmptyMessage(coordinator).setSrc(joiner).putHeader(GMS_ID, new GMS.GmsHeader(GMS.GmsHeader.JOIN_REQ, joiner));
    }

    @Test
    void aMemberAlreadyInTheViewMayAskToJoinAgainSoGmsResendsItsJoinResponse() {
        ExtendedUUID a = member("A");
        ExtendedUUID b = member("B");
        noDupes.down(new Event(Event.VIEW_CHANGE, View.create(a, 2, a, b)));

        noDupes.up(joinRequest(a, b));

        assertThat(passedUp).hasSize(1);
        assertThat(sentDown).isEmpty();
    }

    @Test
    void anotherProcessWithTheRaftIdOfAMemberIsStillRefused() throws Exception {
        ExtendedUUID a = member("A");
        ExtendedUUID b = member("B");
        ExtendedUUID otherB = member("B");
        noDupes.down(new Event(Event.VIEW_CHANGE, View.create(a, 2, a, b)));

        noDupes.up(joinRequest(a, otherB));

        assertThat(passedUp).isEmpty();
        assertThat(sentDown).hasSize(1);
        JoinRsp rsp = Util.streamableFromBuffer(JoinRsp::new, sentDown.get(0).getArray(), sentDown.get(0).getOffset(), sentDown.get(0).getLength());
        assertThat(rsp.getFailReason()).contains("duplicate members");
    }
}
