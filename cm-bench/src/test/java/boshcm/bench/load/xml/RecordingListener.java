package boshcm.bench.load.xml;

import java.util.ArrayList;
import java.util.List;

/** Records what the readers report, as short strings, for assertions. */
class RecordingListener implements StreamFramer.Events, BoshResponseReader.Events {

    final List<String> events = new ArrayList<>();
    Features features;

    @Override
    public void onFeatures(Features f) {
        features = f;
        events.add("features " + f.mechanisms() + " bind=" + f.bind() + " session=" + f.sessionRequired());
    }

    @Override
    public void onSaslSuccess() {
        events.add("success");
    }

    @Override
    public void onSaslFailure(String condition) {
        events.add("failure " + condition);
    }

    @Override
    public void onIqResult(String id, String boundJid) {
        events.add("iq-result " + id + " " + boundJid);
    }

    @Override
    public void onIqError(String id, String condition) {
        events.add("iq-error " + id + " " + condition);
    }

    @Override
    public void onChat(long seq, long sentNanos) {
        events.add("chat " + seq + " " + sentNanos);
    }

    @Override
    public void onMessageError() {
        events.add("message-error");
    }

    @Override
    public void onStreamError(String condition) {
        events.add("stream-error " + condition);
    }

    @Override
    public void onStreamOpened() {
        events.add("open");
    }

    @Override
    public void onStreamClosed() {
        events.add("close");
    }

    @Override
    public void onCreated(String sid, int requests) {
        events.add("created " + sid + " " + requests);
    }

    @Override
    public void onTerminate(String condition) {
        events.add("terminate " + condition);
    }
}
