import { ApiProperty } from '@nestjs/swagger';
import { SUMMARIES, type SummaryBand } from './weather.service';

/** The OpenAPI shape of one step of the summary scale. */
export class SummaryBandDto implements SummaryBand {
  @ApiProperty({ enum: SUMMARIES, example: 'Mild' })
  readonly summary!: SummaryBand['summary'];

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 12,
    description: 'Lowest °C with this summary (inclusive); null for the coldest',
  })
  readonly fromC!: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    example: 18,
    description: 'First °C above this summary (exclusive); null for the hottest',
  })
  readonly toC!: number | null;
}
