package dev.sluice.infra;

import com.pulumi.core.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers over Pulumi outputs. */
final class Outputs {
    private Outputs() {}

    /** A map whose values are outputs, as one output of a plain map (order kept). */
    static Output<Map<String, String>> map(Map<String, Output<String>> in) {
        List<String> keys = new ArrayList<>(in.keySet());
        List<Output<String>> values = new ArrayList<>(in.values());
        return Output.all(values).applyValue(resolved -> {
            Map<String, String> out = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                out.put(keys.get(i), resolved.get(i));
            }
            return out;
        });
    }
}
