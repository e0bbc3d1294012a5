package dev.sluice.adapter.retrieval.opensearch;

import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/** Builds the transport the settings ask for: plain HTTP(S), or SigV4-signed through the AWS SDK's HTTP client. */
final class Transports {
    private Transports() {}

    static OpenSearchTransport of(OpenSearchSettings settings) {
        JacksonJsonpMapper mapper = new JacksonJsonpMapper();
        if (settings.sigV4().isPresent()) {
            OpenSearchSettings.SigV4 sig = settings.sigV4().get();
            return new AwsSdk2Transport(
                    UrlConnectionHttpClient.create(),
                    settings.endpoint().getHost(),
                    sig.service(),
                    sig.region(),
                    AwsSdk2TransportOptions.builder()
                            .setCredentials(sig.credentials())
                            .setMapper(mapper)
                            .build());
        }
        var uri = settings.endpoint();
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        return ApacheHttpClient5TransportBuilder.builder(new HttpHost(uri.getScheme(), uri.getHost(), port))
                .setMapper(mapper)
                .build();
    }
}
