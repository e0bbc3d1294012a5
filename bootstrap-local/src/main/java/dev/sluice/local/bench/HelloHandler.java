package dev.sluice.local.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** The cold-start baseline: the smallest Java Lambda handler there is. */
public final class HelloHandler implements RequestHandler<Map<String, String>, String> {
    @Override
    public String handleRequest(Map<String, String> event, Context context) {
        return "hello " + event.getOrDefault("name", "world");
    }
}
