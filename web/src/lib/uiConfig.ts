import { useQuery } from '@tanstack/react-query';
import { configQuery } from '../api/queries';
import type { UiConfig } from '../api/types';

/** `GET /config`, fetched once; undefined until it arrives (or when it cannot be had). */
export function useUiConfig(): UiConfig | undefined {
  return useQuery(configQuery).data;
}
