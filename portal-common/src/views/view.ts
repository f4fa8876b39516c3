/** A mounted page of the portal. dispose() undoes everything the view set up outside its element. */
export interface View {
  title: string;
  element: HTMLElement;
  dispose?: () => void;
}
