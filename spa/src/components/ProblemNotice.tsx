import type { ProblemText } from '../http/http-problem';

interface Props {
  readonly problem: ProblemText;
  readonly onSignIn: () => void;
  readonly onRetry?: () => void;
}

export function ProblemNotice({ problem, onSignIn, onRetry }: Props) {
  return (
    <div className="notice notice--error" role="alert">
      <p className="notice__title">{problem.title}</p>
      <p>{problem.detail}</p>
      {problem.action === 'sign-in' ? (
        <button type="button" className="primary" onClick={onSignIn}>
          Sign in again
        </button>
      ) : onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
