package dev.sluice.local.bench.coldstart;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The cold-start peer: a handler as the public Java-on-Lambda framework samples build one (Dagger 2, the AWS SDK v2
 * DynamoDB client on the URL-connection HTTP client, an API Gateway HTTP API event, one {@code GetItem}). It reads
 * the same job table the dispatcher reads for {@code GET /v1/jobs/{id}}, so the two do comparable work.
 */
public final class PeerHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final PeerComponent.JobLookup lookup = DaggerPeerComponent.create().lookup();

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String path = event.getRawPath();
        String id = path.substring(path.lastIndexOf('/') + 1);
        Map<String, AttributeValue> item = lookup.find(id);
        boolean found = !item.isEmpty();
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(found ? 200 : 404)
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(found ? "{\"id\":\"" + id + "\"}" : "{\"error\":\"no job " + id + "\"}")
                .build();
    }
}
