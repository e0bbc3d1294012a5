package dev.sluice.infra;

import com.pulumi.Pulumi;

/** Entry point the Pulumi CLI runs ({@code Pulumi.yaml} names this jar). */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        Pulumi.run(SluiceStack::define);
    }
}
