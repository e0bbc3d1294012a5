package dev.sluice.adapter.llm;

import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.port.FailureKind;
import dev.sluice.domain.port.LanguageModel;
import dev.sluice.domain.port.PermanentException;
import java.util.Map;

/** All configured models behind one port, dispatched on the call's model alias. */
public final class RoutingLanguageModel implements LanguageModel {
    private final Map<String, LanguageModel> byAlias;

    public RoutingLanguageModel(Map<String, LanguageModel> byAlias) {
        this.byAlias = Map.copyOf(byAlias);
    }

    @Override
    public Completion complete(ModelCall call) {
        LanguageModel model = byAlias.get(call.model().alias());
        if (model == null) {
            throw new PermanentException(
                    "model alias '" + call.model().alias() + "' is not configured",
                    FailureKind.NOT_CONFIGURED,
                    0,
                    new IllegalArgumentException("configured aliases: " + byAlias.keySet()));
        }
        return model.complete(call);
    }
}
