package boshcm.protocol.session;

/** One HTTP request/response exchange, as the protocol sees it: an opaque handle. */
public record ExchangeId(long value) {}
