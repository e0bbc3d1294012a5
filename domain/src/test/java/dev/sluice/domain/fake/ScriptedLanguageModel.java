package dev.sluice.domain.fake;

import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;
import dev.sluice.domain.model.TokenUsage;
import dev.sluice.domain.port.LanguageModel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A language model whose failures are scripted per model id; when nothing is scripted it answers with a text
 * derived from the prompt. Records every call.
 */
public final class ScriptedLanguageModel implements LanguageModel {
    private final Map<String, Deque<RuntimeException>> failures = new HashMap<>();
    private final Map<String, RuntimeException> alwaysFailing = new HashMap<>();
    private final List<ModelCall> calls = new ArrayList<>();
    private Function<ModelCall, String> answer = call -> "answer to: " + lastLine(call.prompt());

    @Override
    public synchronized Completion complete(ModelCall call) {
        calls.add(call);
        String model = call.model().modelId();
        RuntimeException always = alwaysFailing.get(model);
        if (always != null) {
            throw always;
        }
        Deque<RuntimeException> queued = failures.get(model);
        if (queued != null && !queued.isEmpty()) {
            throw queued.poll();
        }
        long in = (call.system().length() + call.prompt().length()) / 4 + 1;
        String text = answer.apply(call);
        // As providers do, the output stops at the call's maximum (and is billed so).
        long out = Math.min(text.length() / 4 + 1, call.model().maxOutputTokens());
        return new Completion(text, new TokenUsage(in, out), model, "stop", "{\"raw\":true}");
    }

    /** The next calls to {@code modelId} throw these, in order. */
    public synchronized ScriptedLanguageModel failNext(String modelId, RuntimeException... errors) {
        failures.computeIfAbsent(modelId, k -> new ArrayDeque<>()).addAll(List.of(errors));
        return this;
    }

    public synchronized ScriptedLanguageModel failAlways(String modelId, RuntimeException error) {
        alwaysFailing.put(modelId, error);
        return this;
    }

    public synchronized ScriptedLanguageModel answerWith(Function<ModelCall, String> answer) {
        this.answer = answer;
        return this;
    }

    public synchronized List<ModelCall> calls() {
        return List.copyOf(calls);
    }

    public synchronized long callsTo(String modelId) {
        return calls.stream().filter(c -> c.model().modelId().equals(modelId)).count();
    }

    private static String lastLine(String prompt) {
        String[] lines = prompt.strip().split("\n");
        return lines[lines.length - 1];
    }
}
