package dev.switchboard.workflows.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * An encoder that writes with one of two configured encoders, picked by {@code <format>}
 * ({@code text} or {@code json}, any case). One appender with this encoder replaces an appender per
 * format chosen by name: that broke on {@code json} written in lower case (no appender of that name,
 * so no logs at all) and made logback print its whole status list for the appender left unused.
 */
public final class LogFormatEncoder extends EncoderBase<ILoggingEvent> {

    private String format;
    private Encoder<ILoggingEvent> text;
    private Encoder<ILoggingEvent> json;
    private Encoder<ILoggingEvent> chosen;

    public void setFormat(String format) {
        this.format = format;
    }

    public void setText(Encoder<ILoggingEvent> text) {
        this.text = text;
    }

    public void setJson(Encoder<ILoggingEvent> json) {
        this.json = json;
    }

    /** The format in use, once started. */
    public LogFormat format() {
        return chosen == json ? LogFormat.JSON : LogFormat.TEXT;
    }

    @Override
    public void start() {
        LogFormat wanted;
        try {
            wanted = LogFormat.parse(format);
        } catch (IllegalArgumentException e) {
            // Still log, as text: losing every line over a typo is worse. The error makes logback print why.
            addError(e.getMessage());
            wanted = LogFormat.TEXT;
        }
        chosen = wanted == LogFormat.JSON ? json : text;
        if (chosen == null) {
            addError("No <" + wanted + "> encoder inside the LogFormatEncoder. Declare both <text> and <json>");
            return;
        }
        super.start();
    }

    @Override
    public byte[] headerBytes() {
        return chosen.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return chosen.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return chosen.footerBytes();
    }
}
