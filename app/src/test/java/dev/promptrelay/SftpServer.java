package dev.promptrelay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SFTP server (Apache MINA SSHD) on 127.0.0.1, serving one folder to one user with a password, as a partner's
 * server would. Stopped, it refuses connections as a server that is down does.
 */
final class SftpServer implements AutoCloseable {

    static final String USER = "partner";
    static final String PASSWORD = "s3cret-sftp-pass";

    private final SshServer server;
    final Path root;

    private SftpServer(SshServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    static SftpServer start(Path root, int port) throws IOException {
        Files.createDirectories(root);
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(port);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(root.resolveSibling(root.getFileName() + ".hostkey")));
        server.setPasswordAuthenticator((user, password, session) -> USER.equals(user) && PASSWORD.equals(password));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root.toAbsolutePath()));
        server.start();
        return new SftpServer(server, root);
    }

    int port() {
        return server.getPort();
    }

    /** An endpoint URI of Camel's sftp component for a folder of this server. */
    String uri(String folder, String options) {
        return "sftp://" + USER + "@127.0.0.1:" + port() + "/" + folder + "?password=RAW(" + PASSWORD + ")"
               + "&strictHostKeyChecking=no&useUserKnownHostsFile=false" + (options.isEmpty() ? "" : "&" + options);
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
