package dev.promptrelay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A real JMS broker (ActiveMQ Artemis, embedded) on 127.0.0.1 with a persistent journal in its own folder, and a
 * plain JMS client for the test's side: what a user's other applications would send and receive.
 */
final class JmsBroker implements AutoCloseable {

    private final EmbeddedActiveMQ broker;
    final int port;

    private JmsBroker(EmbeddedActiveMQ broker, int port) {
        this.broker = broker;
        this.port = port;
    }

    static JmsBroker start(Path dir, int port) throws Exception {
        Configuration config = new ConfigurationImpl().setPersistenceEnabled(true).setSecurityEnabled(false)
                .setJournalDirectory(dir.resolve("journal").toString())
                .setBindingsDirectory(dir.resolve("bindings").toString())
                .setLargeMessagesDirectory(dir.resolve("large").toString())
                .setPagingDirectory(dir.resolve("paging").toString())
                .setJournalType(org.apache.activemq.artemis.core.server.JournalType.NIO)
                .addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ().setConfiguration(config);
        broker.start();
        return new JmsBroker(broker, port);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Sends a text message with string properties (name, value pairs). */
    void send(String queue, String text, String... properties) throws Exception {
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url());
             Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            TextMessage message = session.createTextMessage(text);
            for (int i = 0; i + 1 < properties.length; i += 2) {
                message.setStringProperty(properties[i], properties[i + 1]);
            }
            producer.send(message);
        }
    }

    /** A message as the test keeps it: its body's bytes and its string properties. */
    record Received(byte[] body, java.util.Map<String, String> properties) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Takes every message waiting on the queue now. */
    List<Received> drain(String queue) throws Exception {
        List<Received> received = new ArrayList<>();
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(url());
             Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            for (Message m = consumer.receive(500); m != null; m = consumer.receive(200)) {
                byte[] body;
                if (m instanceof BytesMessage bytes) {
                    body = new byte[(int) bytes.getBodyLength()];
                    bytes.readBytes(body);
                } else {
                    body = ((TextMessage) m).getText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                java.util.Map<String, String> properties = new java.util.TreeMap<>();
                for (java.util.Enumeration<?> names = m.getPropertyNames(); names.hasMoreElements(); ) {
                    String name = (String) names.nextElement();
                    properties.put(name, String.valueOf(m.getObjectProperty(name)));
                }
                received.add(new Received(body, properties));
            }
        }
        return received;
    }

    @Override
    public void close() throws Exception {
        broker.stop();
    }
}
