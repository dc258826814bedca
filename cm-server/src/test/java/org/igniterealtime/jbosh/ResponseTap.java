package org.igniterealtime.jbosh;

import java.util.function.BiConsumer;

/**
 * Test code in jbosh's package: records every BOSH response a jbosh {@link BOSHClient} gets, keyed by
 * the rid of the request it answers. jbosh 0.9.2 (Smack 4.4's BOSH transport) hands concurrent
 * responses to one thread each (its {@code RequestProcessor} pool), so two responses that arrive
 * within a millisecond or two can reach Smack's stanza listeners in either order; the rid says the
 * order boshcm delivered them in (XEP-0124 §14), which is what the CM is answerable for.
 *
 * <p>Uses jbosh's own test hook ({@code setExchangeInterceptor}): the interceptor waits for the
 * exchange's response, as jbosh's processing thread would next, records it and hands the exchange on
 * unchanged.
 */
public final class ResponseTap {

    private ResponseTap() {
    }

    /** From now on, {@code sink} gets (rid, response XML) for every response {@code client} processes. */
    public static void install(BOSHClient client, BiConsumer<Long, String> sink) {
        client.setExchangeInterceptor(new BOSHClient.ExchangeInterceptor() {
            @Override
            HTTPExchange interceptExchange(HTTPExchange exchange) {
                try {
                    AbstractBody body = exchange.getHTTPResponse().getBody();
                    sink.accept(Long.parseLong(exchange.getRequest().getAttribute(Attributes.RID)), body.toXML());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (BOSHException | RuntimeException e) {
                    // jbosh's own processing will meet the same failure and report it.
                }
                return exchange;
            }
        });
    }
}
