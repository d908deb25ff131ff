import { Component, type ReactNode } from "react";
import { ErrorState } from "./states.tsx";

/**
 * A page that throws while rendering (a malformed link, an unexpected
 * answer) shows an error inside the frame, with the navigation still there,
 * instead of unmounting the whole app to a blank page. Keyed by location by
 * its parent, so going elsewhere starts afresh.
 */
export class PageErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: null };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  override render() {
    if (this.state.error !== null) {
      return <ErrorState error={this.state.error} onRetry={() => this.setState({ error: null })} />;
    }
    return this.props.children;
  }
}
