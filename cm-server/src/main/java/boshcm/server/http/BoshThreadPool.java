package boshcm.server.http;

import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The BOSH listener's thread pool: Jetty's, except that an HTTP/1 connection handed to it only to wait
 * for its next request re-arms in place on the calling thread instead of waking a pool thread
 * ({@link BoshHttpConnectionFactory.BoshHttpConnection#rearm()}). Jetty resumes a connection through its
 * executor after a response written by a thread other than the one that handled the request, which for
 * a BOSH node is every held request (answered on a session's event loop).
 */
final class BoshThreadPool extends QueuedThreadPool {

    BoshThreadPool(int maxThreads, int minThreads) {
        super(maxThreads, minThreads);
    }

    @Override
    public void execute(Runnable job) {
        if (job instanceof BoshHttpConnectionFactory.BoshHttpConnection connection && connection.rearm()) {
            return;
        }
        super.execute(job);
    }
}
