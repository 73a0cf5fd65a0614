package sample.camel;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A bean that returns a message when you call the {@link #saySomething(String)} method.
 * <p/>
 * Uses <tt>@Component("myBean")</tt> to register this bean with the name <tt>myBean</tt>
 * that we use in the Camel route to lookup this bean.
 */
@Component("myBean")
public class MyBean {

    private int counter;

    @Value("${greeting}")
    private String say;

    public String saySomething(String body) {
        return "%s I am invoked %d times".formatted(say, ++counter);
    }

}
