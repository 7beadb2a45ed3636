import { css, keyframes } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';

export const ROW_HEIGHT = 34;

const flash = keyframes({
  from: { opacity: 1 },
  to: { opacity: 0.35 },
});

/** Styles of the leaderboard; only team and tyre colours are not theme tokens. */
export const getStyles = (theme: GrafanaTheme2) => {
  const purple = theme.visualization.getColorByName('purple');
  const green = theme.visualization.getColorByName('green');
  return {
    root: css({
      display: 'flex',
      flexDirection: 'column',
      height: '100%',
      gap: theme.spacing(1),
      fontVariantNumeric: 'tabular-nums',
      color: theme.colors.text.primary,
    }),
    scroller: css({
      flex: '1 1 auto',
      minHeight: 0,
      overflowY: 'auto',
      overflowX: 'hidden',
    }),
    headerRow: css({
      display: 'grid',
      alignItems: 'center',
      columnGap: theme.spacing(1),
      padding: theme.spacing(0, 1),
      height: 24,
      fontSize: theme.typography.bodySmall.fontSize,
      color: theme.colors.text.secondary,
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      position: 'sticky',
      top: 0,
      background: theme.colors.background.primary,
      zIndex: 1,
    }),
    body: css({
      position: 'relative',
    }),
    row: css({
      position: 'absolute',
      left: 0,
      right: 0,
      height: ROW_HEIGHT,
      display: 'grid',
      alignItems: 'center',
      columnGap: theme.spacing(1),
      padding: theme.spacing(0, 1),
      cursor: 'pointer',
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      background: theme.colors.background.primary,
      '&:hover': {
        background: theme.colors.action.hover,
      },
      '&:focus-visible': {
        outline: `2px solid ${theme.colors.primary.border}`,
        outlineOffset: -2,
      },
    }),
    animated: css({
      [theme.transitions.handleMotion('no-preference')]: {
        transition: theme.transitions.create(['transform', 'background-color'], { duration: 600 }),
      },
    }),
    selected: css({
      background: theme.colors.primary.transparent,
      boxShadow: `inset 3px 0 0 ${theme.colors.primary.main}`,
      '&:hover': {
        background: theme.colors.primary.transparent,
      },
    }),
    out: css({
      color: theme.colors.text.disabled,
    }),
    cell: css({
      overflow: 'hidden',
      whiteSpace: 'nowrap',
      textOverflow: 'ellipsis',
      minWidth: 0,
    }),
    right: css({
      textAlign: 'right',
    }),
    num: css({
      fontFamily: theme.typography.fontFamilyMonospace,
      fontSize: theme.typography.bodySmall.fontSize,
    }),
    pos: css({
      fontWeight: theme.typography.fontWeightBold,
    }),
    bar: css({
      display: 'block',
      width: 4,
      height: ROW_HEIGHT - 12,
      borderRadius: 2,
      background: theme.colors.border.medium,
    }),
    code: css({
      fontWeight: theme.typography.fontWeightBold,
      letterSpacing: '0.04em',
    }),
    name: css({
      color: theme.colors.text.secondary,
      marginLeft: theme.spacing(1),
      fontSize: theme.typography.bodySmall.fontSize,
    }),
    up: css({ color: theme.colors.success.text }),
    down: css({ color: theme.colors.error.text }),
    same: css({ color: theme.colors.text.disabled }),
    fastest: css({
      color: purple,
      fontWeight: theme.typography.fontWeightBold,
    }),
    personalBest: css({
      color: green,
      fontWeight: theme.typography.fontWeightBold,
    }),
    tyre: css({
      display: 'inline-flex',
      alignItems: 'center',
      gap: theme.spacing(0.5),
      fontSize: theme.typography.bodySmall.fontSize,
    }),
    tyreDot: css({
      display: 'inline-flex',
      alignItems: 'center',
      justifyContent: 'center',
      width: 20,
      height: 20,
      borderRadius: '50%',
      fontSize: 11,
      fontWeight: theme.typography.fontWeightBold,
      border: `2px solid ${theme.colors.background.primary}`,
      boxShadow: `0 0 0 1px ${theme.colors.border.medium}`,
    }),
    drs: css({
      fontSize: 10,
      fontWeight: theme.typography.fontWeightBold,
      padding: theme.spacing(0, 0.5),
      borderRadius: theme.shape.radius.default,
      border: `1px solid ${theme.colors.border.weak}`,
      color: theme.colors.text.disabled,
    }),
    drsOpen: css({
      color: theme.colors.success.contrastText,
      background: theme.colors.success.main,
      borderColor: theme.colors.success.border,
      [theme.transitions.handleMotion('no-preference')]: {
        animation: `${flash} 0.8s ease-in-out infinite alternate`,
      },
    }),
    status: css({
      fontSize: 11,
      fontWeight: theme.typography.fontWeightMedium,
      padding: theme.spacing(0, 0.5),
      borderRadius: theme.shape.radius.default,
    }),
    penalty: css({
      marginLeft: theme.spacing(0.5),
      fontSize: 11,
      color: theme.colors.warning.text,
    }),
    pitWindow: css({
      marginLeft: theme.spacing(0.5),
      fontSize: 10,
      color: theme.colors.text.secondary,
      border: `1px solid ${theme.colors.border.medium}`,
      borderRadius: theme.shape.radius.default,
      padding: theme.spacing(0, 0.25),
      whiteSpace: 'nowrap',
    }),
    pitWindowLikely: css({ color: theme.colors.warning.text, borderColor: theme.colors.warning.border }),
    statusPit: css({ color: theme.colors.warning.contrastText, background: theme.colors.warning.main }),
    statusOut: css({ color: theme.colors.error.contrastText, background: theme.colors.error.main }),
    statusFinished: css({ color: theme.colors.text.primary, border: `1px solid ${theme.colors.border.strong}` }),
    message: css({
      display: 'flex',
      flexDirection: 'column',
      alignItems: 'center',
      justifyContent: 'center',
      gap: theme.spacing(1),
      flex: '1 1 auto',
      color: theme.colors.text.secondary,
      textAlign: 'center',
      padding: theme.spacing(2),
    }),
  };
};
