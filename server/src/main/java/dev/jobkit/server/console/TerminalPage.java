package dev.jobkit.server.console;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Serves the web terminal's page at {@code /terminal} (the URL a terminal's ticket comes with):
 * {@code static/terminal.html}, which takes the ticket from the URL's fragment.
 */
@Configuration(proxyBeanMethods = false)
class TerminalPage implements WebMvcConfigurer {

  @Override
  public void addViewControllers(ViewControllerRegistry registry) {
    registry.addViewController("/terminal").setViewName("forward:/terminal.html");
  }
}
