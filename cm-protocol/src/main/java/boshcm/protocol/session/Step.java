package boshcm.protocol.session;

import java.util.ArrayList;
import java.util.List;

/** The effects of one session event, in the order they must be carried out. */
public record Step(List<Effect> effects) {

    public Step {
        effects = List.copyOf(effects);
    }

    public static Step of(List<Effect> effects) {
        return new Step(effects);
    }

    public <T extends Effect> List<T> all(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Effect e : effects) {
            if (type.isInstance(e)) {
                out.add(type.cast(e));
            }
        }
        return out;
    }
}
