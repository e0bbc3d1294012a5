package dev.sluice.domain.port;

import dev.sluice.domain.model.Completion;
import dev.sluice.domain.model.ModelCall;

/**
 * A chat model behind some provider's API.
 *
 * <p>Contract: returns the answer with real token usage, or throws exactly one of: {@link ThrottledException}
 * (429, with the provider's retry-after), {@link CircuitOpenException} (the model is being avoided),
 * {@link TransientException} (5xx, timeout, after the adapter's own bounded retries), {@link PermanentException}
 * (auth, invalid request, content filtered, context too long). Never retries a throttled call itself.
 */
public interface LanguageModel {
    Completion complete(ModelCall call);
}
