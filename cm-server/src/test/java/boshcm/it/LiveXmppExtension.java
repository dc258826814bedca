package boshcm.it;

import boshcm.it.BoshTarget.BoshService;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Gives tests a live {@link ProsodyServer} and the selected {@link BoshService} (see
 * {@link BoshTarget}) as parameters of {@code @BeforeAll}, {@code @BeforeEach} or test methods, and
 * a live {@link EjabberdServer} to the classes that ask for one (the BOSH service is Prosody's; an
 * ejabberd test starts its own with {@link BoshTarget#start}).
 *
 * <p>Both are started once per JVM, on first use, and stopped when the JUnit run ends (they sit in
 * the root store). Test classes share them, so each class registers its own users with
 * {@link ProsodyServer#createUser}. When a test or a lifecycle method fails, the tail of Prosody's log
 * is printed and its directory is kept.
 */
public final class LiveXmppExtension
        implements ParameterResolver, TestWatcher, LifecycleMethodExecutionExceptionHandler, TestExecutionExceptionHandler {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LiveXmppExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ProsodyServer.class || type == BoshService.class || type == EjabberdServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == EjabberdServer.class) return ejabberd(context);
        return type == ProsodyServer.class ? prosody(context) : bosh(context);
    }

    static EjabberdServer ejabberd(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(EjabberdServer.class, key -> {
            try {
                EjabberdServer server = EjabberdServer.start();
                System.err.println("[LiveXmpp] ejabberd in " + server.directory() + ", node " + server.node()
                        + ", c2s " + server.c2sPort() + ", c2s direct TLS " + server.c2sDirectTlsPort()
                        + ", http " + server.httpPort());
                return server;
            } catch (Exception e) {
                throw new ParameterResolutionException("cannot start ejabberd: " + e.getMessage(), e);
            }
        }, EjabberdServer.class);
    }

    static ProsodyServer prosody(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(ProsodyServer.class, key -> {
            try {
                ProsodyServer server = ProsodyServer.start();
                System.err.println("[LiveXmpp] Prosody in " + server.directory() + ", c2s " + server.c2sPort()
                        + ", c2s direct TLS " + server.c2sDirectTlsPort() + ", http " + server.httpPort());
                return server;
            } catch (Exception e) {
                throw new ParameterResolutionException("cannot start Prosody: " + e.getMessage(), e);
            }
        }, ProsodyServer.class);
    }

    static BoshService bosh(ExtensionContext context) {
        ProsodyServer prosody = prosody(context);
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(BoshService.class, key -> {
            BoshTarget target = BoshTarget.selected();
            try {
                BoshService service = target.start(prosody);
                System.err.println("[LiveXmpp] BOSH target " + service);
                return service;
            } catch (Exception e) {
                throw new ParameterResolutionException("cannot start BOSH target " + target + ": " + e.getMessage(), e);
            }
        }, BoshService.class);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        report(context, "test " + context.getDisplayName() + " failed");
    }

    /** Runs while the test's clients are still open: shows where Smack/jbosh threads are stuck. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        StringBuilder dump = new StringBuilder("[LiveXmpp] client threads when " + context.getDisplayName() + " failed:\n");
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            String name = thread.getName();
            if (name.contains("Smack") || name.contains("RequestProcessor") || name.contains("BOSH")
                    || name.contains("jbosh") || thread.getName().startsWith("main")) {
                dump.append('"').append(name).append("\" ").append(thread.getState()).append('\n');
                for (StackTraceElement element : stack) dump.append("\tat ").append(element).append('\n');
            }
        });
        System.err.println(dump);
        throw throwable;
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        report(context, "@BeforeAll of " + context.getDisplayName() + " failed");
        throw t;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        report(context, "@BeforeEach of " + context.getDisplayName() + " failed");
        throw t;
    }

    private static void report(ExtensionContext context, String what) {
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        List<XmppServer> servers = new ArrayList<>();
        for (Class<? extends XmppServer> type : List.of(ProsodyServer.class, EjabberdServer.class)) {
            XmppServer server = store.get(type, type);
            if (server != null) servers.add(server);
        }
        if (servers.isEmpty()) {
            System.err.println("[LiveXmpp] " + what + " (no XMPP server started)");
        }
        for (XmppServer server : servers) {
            server.keepFilesOnClose();
            System.err.println("[LiveXmpp] " + what + "; " + server.name() + " files kept in " + server.directory()
                    + "\n" + server.diagnostics());
        }
    }
}
