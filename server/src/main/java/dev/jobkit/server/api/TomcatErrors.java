package dev.jobkit.server.api;

import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Puts {@link ProblemReportValve} in place of Tomcat's HTML error page, so that even a request
 * Tomcat refuses on its own is answered with a problem document.
 */
@Component
class TomcatErrors implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

  @Override
  public void customize(TomcatServletWebServerFactory factory) {
    factory.addContextCustomizers(
        context -> {
          Container parent = context.getParent();
          if (parent instanceof StandardHost host) {
            // Boot adds an ErrorReportValve of its own; the host adds one of the class it is told
            // at start, unless a valve of that class is there already.
            for (Valve valve : host.getPipeline().getValves()) {
              if (valve instanceof ErrorReportValve) {
                host.getPipeline().removeValve(valve);
              }
            }
            host.setErrorReportValveClass(ProblemReportValve.class.getName());
            host.getPipeline().addValve(new ProblemReportValve());
          }
        });
  }

  @Override
  public int getOrder() {
    // After Boot's own customizer, whose context customizer adds the valve replaced here.
    return Ordered.LOWEST_PRECEDENCE;
  }
}
