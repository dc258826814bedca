package boshcm.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.sm.ReauthMethod;
import boshcm.protocol.sm.SmMode;
import boshcm.protocol.sm.SmPolicy;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checklist SM-11: pass-through stays the default; managed mode is switched on per policy. */
class SmPolicyDefaultsTest {

    @Test
    void sm11_defaultsAndPositionalPoliciesArePassThrough() {
        assertThat(SessionPolicy.defaults().sm().mode()).isEqualTo(SmMode.PASSTHROUGH);
        assertThat(SessionFixture.rc().sm().mode()).isEqualTo(SmMode.PASSTHROUGH);
    }

    @Test
    void sm11_withSmKeepsEverythingElse() {
        SessionPolicy rc = SessionFixture.rc();
        SessionPolicy managed = rc.withSm(SmPolicy.managed(Set.of(ReauthMethod.PLAIN_CAPTURE)));
        assertThat(managed.sm().managed()).isTrue();
        assertThat(managed.withSm(SmPolicy.passThrough())).isEqualTo(rc);
        assertThat(managed.withStreams(false, 1).sm()).isEqualTo(managed.sm());
    }
}
